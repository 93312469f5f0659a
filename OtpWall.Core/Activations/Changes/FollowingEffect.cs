using OtpWall.Core.Activations.Polling;

namespace OtpWall.Core.Activations.Changes;

/// <summary>
/// The poller follows what changed from its saved state (or stops, once it closed or went); on the replica that polls, a
/// change made on another replica is read again from the database. A problem written by the poller itself and a
/// dismissal change nothing about when to poll.
/// </summary>
public sealed class FollowingEffect(ActivationPoller poller) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        if (change.Path == ChangePath.OtherReplica) poller.ChangedElsewhere(change.ActivationId);
        else if (change.Path is not (ChangePath.FollowProblem or ChangePath.Dismiss) && change.Activation is { } activation) poller.Track(activation);
        return Task.CompletedTask;
    }
}
