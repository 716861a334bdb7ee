"""A patient's record as plain frozen data, who is working, the words and colours the record is shown in, and errors."""
