-- Filtered models with a known parameter count, for the scale scatter. At most $limit of them: when more
-- match, a sample that stays the same from run to run (the smallest hashes of model_id), dated in order.
WITH sized AS (
    SELECT model_id, name, organization, country, release_date, params_total_b, params_active_b,
           architecture, modality, license, accessibility, source_url
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
    WHERE params_total_b IS NOT NULL
),
sampled AS (
    SELECT * FROM sized ORDER BY hash(model_id), model_id LIMIT $limit::BIGINT
)
SELECT * FROM sampled
ORDER BY release_date, model_id;
