-- Releases per $period and accessibility class, with the class's share of the period.
-- A row whose license was not confirmed counts in the class 'unconfirmed'. Shares are taken over the
-- releases whose class is known (the one definition of a class share, see openmodels/definitions.py):
-- the unconfirmed class has a count and no share.
WITH picked AS (
    SELECT date_trunc($period, release_date)::DATE AS period_start,
           coalesce(accessibility, 'unconfirmed') AS accessibility
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
),
final AS (
    SELECT period_start, accessibility, count(*) AS releases,
           CASE WHEN accessibility <> 'unconfirmed' THEN round(100.0 * count(*) / nullif(sum(count(*)) FILTER
               (WHERE accessibility <> 'unconfirmed') OVER (PARTITION BY period_start), 0), 1) END AS share_pct
    FROM picked
    GROUP BY period_start, accessibility
)
SELECT * FROM final
ORDER BY period_start, accessibility;
