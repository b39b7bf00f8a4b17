"""Assistance plans (一户一策): card colours, income standards, measures, identification rounds and their documents."""
