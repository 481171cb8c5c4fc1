-- The events the event window can be taken around, one per day and title: events of one day with one title
-- give the same window (it depends on the day alone), so the choice lists them once, by the first event_id.
SELECT min(event_id) AS event_id, date, title
FROM events
GROUP BY date, title
ORDER BY date, event_id;
