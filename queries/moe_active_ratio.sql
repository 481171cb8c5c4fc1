-- Mixture-of-Experts models with the share of parameters active per token. At most $limit of them: when more
-- match, a sample that stays the same from run to run (the smallest hashes of model_id), dated in order.
WITH moe AS (
    SELECT model_id, name, organization, country, release_date, params_total_b, params_active_b,
           round(100.0 * params_active_b / params_total_b, 2) AS active_pct
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
    WHERE architecture = 'moe' AND params_total_b IS NOT NULL AND params_active_b IS NOT NULL
),
sampled AS (
    SELECT * FROM moe ORDER BY hash(model_id), model_id LIMIT $limit::BIGINT
)
SELECT * FROM sampled
ORDER BY release_date, model_id;
