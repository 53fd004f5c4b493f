from annotator.cli import main

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # (the suggesters' process of a long article)
    main()
