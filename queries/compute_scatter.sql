-- Filtered models with a training-compute figure, for the compute scatter.
SELECT model_id, name, organization, country, release_date, training_compute_flop, params_total_b,
       architecture, evidence, source_url
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
WHERE training_compute_flop IS NOT NULL
ORDER BY release_date, model_id;
