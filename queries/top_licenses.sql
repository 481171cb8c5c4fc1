-- The $limit most used licenses among the filtered models; rows whose license was not confirmed
-- are counted together as 'unconfirmed'.
SELECT coalesce(license, 'unconfirmed') AS license,
       coalesce(any_value(accessibility), 'unconfirmed') AS accessibility, count(*) AS releases,
       count(DISTINCT organization) AS organizations
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
GROUP BY 1
ORDER BY releases DESC, license
LIMIT $limit;
