"""The one place that joins the ORM to the engine: linking reports to claims, assessing claims, the index kept in step with the database, the sweeper."""
