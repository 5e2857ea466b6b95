"""Planning: loads a day from the database, asks ``routing/`` for answers, and
applies chosen answers through the ordinary ``do_*`` actions."""
