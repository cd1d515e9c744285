"""The law-lecture library: series, lectures, transcripts, live schedule and attendance."""
