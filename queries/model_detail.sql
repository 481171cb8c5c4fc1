-- One model's row, by $model_id.
SELECT *
FROM models
WHERE model_id = $model_id;
