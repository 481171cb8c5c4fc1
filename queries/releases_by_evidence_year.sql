-- Per release year: how many rows, and how well they are supported (evidence grades, day or month
-- precision, licence confirmed, parameters and training compute disclosed). About's Limitations table.
SELECT year(release_date) AS year,
       count(*) AS releases,
       count(*) FILTER (WHERE evidence = 'primary') AS primary_rows,
       count(*) FILTER (WHERE evidence = 'reference') AS reference_rows,
       count(*) FILTER (WHERE evidence = 'reported') AS reported_rows,
       count(*) FILTER (WHERE date_precision = 'month') AS month_only_dates,
       count(*) FILTER (WHERE accessibility IS NULL) AS unconfirmed_licences,
       count(*) FILTER (WHERE params_total_b IS NULL) AS size_not_disclosed,
       count(*) FILTER (WHERE training_compute_flop IS NOT NULL) AS with_training_compute
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
GROUP BY ALL
ORDER BY year;
