-- Filtered models with a known parameter count, for the scale scatter.
SELECT model_id, name, organization, country, release_date, params_total_b, params_active_b,
       architecture, modality, license, accessibility, source_url
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
WHERE params_total_b IS NOT NULL
ORDER BY release_date, model_id;
