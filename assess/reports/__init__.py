"""Documents assess produces from plain report content: the PDF for the primary care doctor."""
