"""newsflow's Airflow 3 plugin: the HTML report as a "newsflow" page of the Airflow UI."""
