// One Chromium at a time on a two-core machine: browser journeys run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
