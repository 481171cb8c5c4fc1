-- The $limit most used licenses among the filtered models.
SELECT license, any_value(accessibility) AS accessibility, count(*) AS releases,
       count(DISTINCT organization) AS organizations
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE)
GROUP BY license
ORDER BY releases DESC, license
LIMIT $limit;
