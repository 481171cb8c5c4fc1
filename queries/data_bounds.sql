-- The range of release dates and total parameters, for the sidebar's sliders.
SELECT
    min(release_date) AS first_release,
    max(release_date) AS last_release,
    min(params_total_b) AS min_params_b,
    max(params_total_b) AS max_params_b
FROM models;
