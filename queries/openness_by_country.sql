-- Releases per country group and openness (weights, +code, +data), with shares within the group.
WITH picked AS (
    SELECT country_group, openness
    FROM grouped_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                        $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                        $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[], $top_n::INTEGER)
),
final AS (
    SELECT country_group, openness, count(*) AS releases,
           round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY country_group), 1) AS share_pct
    FROM picked
    GROUP BY country_group, openness
)
SELECT * FROM final
ORDER BY country_group = 'Other', country_group, openness;
