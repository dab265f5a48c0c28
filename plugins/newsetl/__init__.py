"""newsetl: a news analytics ETL for Korean and English news, orchestrated by Airflow."""

__version__ = "0.1.0"
