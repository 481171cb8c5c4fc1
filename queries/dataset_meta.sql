-- The dataset's version, data-as-of date, build time, CSV hashes and row counts.
SELECT dataset_version, data_as_of, built_at, models_csv_sha256, events_csv_sha256, models_rows, events_rows
FROM dataset_meta;
