-- Filtered models with a training-compute figure, for the compute scatter. At most $limit of them: when more
-- match, a sample that stays the same from run to run (the smallest hashes of model_id), dated in order.
WITH with_compute AS (
    SELECT model_id, name, organization, country, release_date, training_compute_flop, params_total_b,
           architecture, evidence, source_url
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
    WHERE training_compute_flop IS NOT NULL
),
sampled AS (
    SELECT * FROM with_compute ORDER BY hash(model_id), model_id LIMIT $limit::BIGINT
)
SELECT * FROM sampled
ORDER BY release_date, model_id;
