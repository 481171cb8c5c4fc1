-- How many filtered models the Explorer lists: the filters and the $search text of explorer_models.
SELECT count(*) AS models
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
WHERE $search::VARCHAR = ''
   OR contains(lower(concat_ws(' ', model_id, name, family, organization, license, hf_repo, notes)),
               lower($search::VARCHAR));
