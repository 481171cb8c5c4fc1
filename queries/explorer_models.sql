-- Every filtered model with all the columns of models.csv, narrowed by the $search text
-- (case-insensitive, in name, family, organization, license or notes), newest first; one page of them:
-- $limit rows (NULL: all) after the first $offset.
SELECT model_id, name, family, organization, country, release_date, date_precision, params_total_b,
       params_active_b, architecture, experts_total, experts_active, modality, reasoning, context_tokens,
       training_compute_flop, license, accessibility, openness, source_url, evidence, verified_on, hf_repo, notes
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
WHERE $search::VARCHAR = ''
   OR contains(lower(concat_ws(' ', model_id, name, family, organization, license, hf_repo, notes)),
               lower($search::VARCHAR))
ORDER BY release_date DESC, organization, model_id
LIMIT $limit::BIGINT OFFSET $offset::BIGINT;
