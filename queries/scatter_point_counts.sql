-- How many filtered models each scatter has to draw before any sampling: with a parameter count (Scale),
-- with a training-compute figure (Compute), MoE with both counts (MoE's active share).
SELECT count(*) FILTER (WHERE params_total_b IS NOT NULL) AS sized,
       count(*) FILTER (WHERE training_compute_flop IS NOT NULL) AS with_compute,
       count(*) FILTER (WHERE architecture = 'moe' AND params_total_b IS NOT NULL
                          AND params_active_b IS NOT NULL) AS moe_sized
FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                     $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                     $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[]);
