-- Each organization in the filtered rows: its country, how many checkpoints it released, its first and latest
-- release day. Most releases first.
SELECT organization, country, count(*) AS releases,
       min(release_date) AS first_release, max(release_date) AS latest_release
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
GROUP BY organization, country
ORDER BY releases DESC, organization;
