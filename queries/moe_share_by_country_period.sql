-- Share of releases that are Mixture-of-Experts, per $period and country group.
WITH picked AS (
    SELECT date_trunc($period, release_date)::DATE AS period_start, country_group, architecture
    FROM grouped_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                        $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                        $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[], $top_n::INTEGER)
),
final AS (
    SELECT period_start, country_group,
           count(*) AS releases,
           count(*) FILTER (WHERE architecture = 'moe') AS moe_releases,
           round(100.0 * count(*) FILTER (WHERE architecture = 'moe') / count(*), 1) AS moe_share_pct
    FROM picked
    GROUP BY ALL
)
SELECT * FROM final
ORDER BY period_start, country_group = 'Other', country_group;
