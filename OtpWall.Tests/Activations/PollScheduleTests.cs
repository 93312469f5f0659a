using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Polling;

namespace OtpWall.Tests.Activations;

/// <summary>The poller's due queue on its own: fairness between people and the ceiling of reads per key.</summary>
public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static TrackedActivation Activation(string userId, DateTimeOffset due, string? fingerprint = null) => new()
    {
        Id = Guid.NewGuid(), UserId = userId, UpstreamId = Guid.NewGuid().ToString("N"), KeyFingerprint = fingerprint,
        CreatedAt = Start, ExpiresAt = Start.AddMinutes(20), Status = ActivationStatus.Waiting, Anchor = due,
    };

    private static List<TrackedActivation> TakeAll(PollSchedule schedule, DateTimeOffset now, int atMost = int.MaxValue)
    {
        var taken = new List<TrackedActivation>();
        while (taken.Count < atMost && schedule.TryTakeDue(now, out var next)) taken.Add(next);
        return taken;
    }

    [Fact]
    public void OnePersonsManyNumbers_DoNotStarveAnothersFew()
    {
        var schedule = new PollSchedule(readsPerKeyPerSecond: 1000);
        for (var i = 0; i < 500; i++) schedule.Track(Activation("busy", Start.AddMilliseconds(-i)));
        var few = new[] { Activation("quiet", Start), Activation("quiet", Start) };
        foreach (var activation in few) schedule.Track(activation);

        // Polls go to whoever has the fewest in flight: the quiet person's two are among the first four taken.
        var firstFour = TakeAll(schedule, Start, atMost: 4);

        Assert.Equal(2, firstFour.Count(a => a.UserId == "quiet"));
    }

    [Fact]
    public void AKey_IsReadNoMoreThanItsCeiling_WhileOtherKeysAreNotHeldBack()
    {
        var schedule = new PollSchedule(readsPerKeyPerSecond: 5);
        for (var i = 0; i < 20; i++) schedule.Track(Activation("team", Start));
        schedule.Track(Activation("someone-else", Start));

        var first = TakeAll(schedule, Start);
        var aSecondLater = TakeAll(schedule, Start.AddSeconds(1));

        Assert.Equal(5, first.Count(a => a.UserId == "team"));
        Assert.Single(first, a => a.UserId == "someone-else");
        Assert.Equal(5, aSecondLater.Count);
    }

    [Fact]
    public void APausedKey_IsNotReadUntilThePauseEnds_AndAPersonsOtherKeyIsNot()
    {
        var schedule = new PollSchedule(readsPerKeyPerSecond: 20);
        var onOldKey = Activation("person", Start, fingerprint: "0123456789abcdef");
        var onNewKey = Activation("person", Start, fingerprint: "fedcba9876543210");
        schedule.Track(onOldKey);
        schedule.Track(onNewKey);

        schedule.PauseKey(onOldKey.KeyId, Start.AddSeconds(20));

        Assert.Equal([onNewKey], TakeAll(schedule, Start));
        Assert.Empty(TakeAll(schedule, Start.AddSeconds(19)));
        Assert.Equal([onOldKey], TakeAll(schedule, Start.AddSeconds(20)));
    }

    [Fact]
    public void AFinishedPoll_IsDueAgainWhenItSays_AndAnEndedOneIsForgotten()
    {
        var schedule = new PollSchedule(readsPerKeyPerSecond: 20);
        var open = Activation("person", Start);
        var ending = Activation("person", Start);
        schedule.Track(open);
        schedule.Track(ending);
        var taken = TakeAll(schedule, Start);

        schedule.Done(open, Start.AddSeconds(2));
        schedule.Done(ending, null);

        Assert.Equal(2, taken.Count);
        Assert.Empty(TakeAll(schedule, Start.AddSeconds(1)));
        Assert.Equal([open], TakeAll(schedule, Start.AddSeconds(2)));
        Assert.Equal(1, schedule.Count);
    }
}
