-- Per country, each release that set a new record for training compute among its open models so far.
WITH picked AS (
    SELECT country, release_date, name, organization, training_compute_flop
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
    WHERE training_compute_flop IS NOT NULL
),
running AS (
    SELECT *,
           max(training_compute_flop) OVER (PARTITION BY country ORDER BY release_date, training_compute_flop
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_max
    FROM picked
)
SELECT country, release_date, name, organization, training_compute_flop
FROM running
WHERE previous_max IS NULL OR training_compute_flop > previous_max
ORDER BY country, release_date;
