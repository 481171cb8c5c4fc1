-- Per country, each release that set a new record for the largest open model so far,
-- by $metric ('total' or 'active' parameters).
WITH picked AS (
    SELECT country, release_date, name, organization,
           CASE $metric WHEN 'active' THEN params_active_b ELSE params_total_b END AS params_b
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
),
running AS (
    SELECT *,
           max(params_b) OVER (PARTITION BY country ORDER BY release_date, params_b
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_max
    FROM picked
    WHERE params_b IS NOT NULL
),
final AS (
    SELECT country, release_date, name, organization, params_b
    FROM running
    WHERE previous_max IS NULL OR params_b > previous_max
)
SELECT * FROM final
ORDER BY country, release_date;
