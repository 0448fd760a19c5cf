"""Scheduling of crawls (APScheduler runner and cron harvest). Imports no spider code."""
