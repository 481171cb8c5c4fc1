-- Releases per country group and accessibility class, with the class's share of the group.
-- A row whose license was not confirmed counts in the class 'unconfirmed'. Shares are taken over the
-- releases whose class is known (the one definition of a class share, see openmodels/definitions.py):
-- the unconfirmed class has a count and no share.
WITH picked AS (
    SELECT country_group, coalesce(accessibility, 'unconfirmed') AS accessibility
    FROM grouped_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                        $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                        $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[], $top_n::INTEGER)
),
final AS (
    SELECT country_group, accessibility, count(*) AS releases,
           CASE WHEN accessibility <> 'unconfirmed' THEN round(100.0 * count(*) / nullif(sum(count(*)) FILTER
               (WHERE accessibility <> 'unconfirmed') OVER (PARTITION BY country_group), 0), 1) END AS share_pct
    FROM picked
    GROUP BY country_group, accessibility
)
SELECT * FROM final
ORDER BY country_group = 'Other', country_group, accessibility;
