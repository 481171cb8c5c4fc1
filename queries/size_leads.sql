-- Who led at each size: for each threshold of total or active parameters, the first open release at or above
-- it from the United States, from China and from the rest of the world, and how many months the US and China
-- firsts lie apart. The sidebar filters apply except the parameter range (the thresholds are the ranges here).
-- A release known only to the month counts from the first of that month, as stored.
WITH thresholds (threshold_order, metric, threshold_b) AS (
    VALUES (1, 'total', 10::DOUBLE), (2, 'total', 100), (3, 'total', 300), (4, 'total', 1000),
           (5, 'active', 10), (6, 'active', 30)
),
picked AS (
    SELECT bloc(country) AS bloc, model_id, name, organization, release_date, params_total_b, params_active_b
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         NULL::DOUBLE, NULL::DOUBLE, $evidence::VARCHAR[])
),
firsts AS (
    SELECT t.threshold_order, p.bloc,
           arg_min(p.name, (p.release_date, p.model_id)) AS name,
           arg_min(p.organization, (p.release_date, p.model_id)) AS organization,
           min(p.release_date) AS release_date
    FROM thresholds t
    JOIN picked p ON (CASE t.metric WHEN 'active' THEN p.params_active_b ELSE p.params_total_b END) >= t.threshold_b
    GROUP BY t.threshold_order, p.bloc
),
wide AS (
    SELECT t.threshold_order, t.metric, t.threshold_b,
           us.name AS us_model, us.organization AS us_organization, us.release_date AS us_date,
           cn.name AS cn_model, cn.organization AS cn_organization, cn.release_date AS cn_date,
           rw.name AS row_model, rw.organization AS row_organization, rw.release_date AS row_date
    FROM thresholds t
    LEFT JOIN firsts us ON us.threshold_order = t.threshold_order AND us.bloc = 'United States'
    LEFT JOIN firsts cn ON cn.threshold_order = t.threshold_order AND cn.bloc = 'China'
    LEFT JOIN firsts rw ON rw.threshold_order = t.threshold_order AND rw.bloc = 'Rest of world'
),
final AS (
    SELECT metric, threshold_b,
           CASE WHEN us_date IS NULL AND cn_date IS NULL THEN NULL
                WHEN cn_date IS NULL OR us_date < cn_date THEN 'United States'
                WHEN us_date IS NULL OR cn_date < us_date THEN 'China'
                ELSE 'same day' END AS leader,
           -- average Gregorian month (365.25 / 12 days), one decimal
           round(abs(date_diff('day', us_date, cn_date)) / (365.25 / 12), 1) AS lead_months,
           us_model, us_organization, us_date, cn_model, cn_organization, cn_date,
           row_model, row_organization, row_date
    FROM wide
    ORDER BY threshold_order
)
SELECT * FROM final;
