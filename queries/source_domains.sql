-- Where the rows' primary sources live: each source site with its number of model and event rows.
WITH sources AS (
    SELECT regexp_extract(source_url, '^https?://(?:www\.)?([^/]+)', 1) AS site, 'models' AS file FROM models
    UNION ALL
    SELECT regexp_extract(source_url, '^https?://(?:www\.)?([^/]+)', 1) AS site, 'events' AS file FROM events
),
final AS (
    SELECT site,
           count(*) FILTER (WHERE file = 'models') AS model_rows,
           count(*) FILTER (WHERE file = 'events') AS event_rows
    FROM sources
    GROUP BY site
)
SELECT * FROM final
ORDER BY model_rows + event_rows DESC, site;
