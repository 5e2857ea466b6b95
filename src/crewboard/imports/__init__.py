"""Import and export of customers, technicians and jobs as CSV and XLSX.

An import maps the file's headers to our fields (``headers``), reads rows
(``readers``), turns each row into the same pydantic schema and ``do_*``
action the API uses (``customers``, ``technicians``, ``jobs``) and runs them
all in one transaction (``runner``): one bad row and nothing is written, and
the report lists every bad row.
"""
