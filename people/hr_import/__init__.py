"""HR import: a CSV file from the HR system read (`reading`), checked and compared with the staff as stored
(`planning`), then applied by `people.services.people_import`.

The file has one row per person and these columns (a header row names them, in any order):
employee_id, first_name, last_name, email, department_code, manager_employee_id, job_title, language, active.
"""
