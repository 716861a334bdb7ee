"""The assess-record/1 interchange format: schema, rules the schema cannot say, conversion."""
