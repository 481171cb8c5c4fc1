-- Each organization's first Mixture-of-Experts release.
SELECT organization, country,
       min(release_date) AS first_moe_date,
       arg_min(name, (release_date, model_id)) AS first_moe_model,
       arg_min(params_total_b, (release_date, model_id)) AS params_total_b,
       arg_min(params_active_b, (release_date, model_id)) AS params_active_b
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
WHERE architecture = 'moe'
GROUP BY organization, country
ORDER BY first_moe_date, organization;
