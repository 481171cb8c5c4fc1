-- How many of the filtered models each evidence grade holds (every grade listed, zero included).
SELECT grade AS evidence, count(m.model_id) AS models
FROM (SELECT unnest(['primary', 'reference', 'reported']) AS grade) g
LEFT JOIN filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                          $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                          $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[]) m ON m.evidence = g.grade
GROUP BY grade
ORDER BY list_position(['primary', 'reference', 'reported'], grade);
