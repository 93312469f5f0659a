using Microsoft.Extensions.Logging;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations;

/// <summary>Something happened to one of a user's activations.</summary>
/// <param name="ActivationId">The dashboard's id of the activation.</param>
/// <param name="CodeArrived">A new SMS with a code came in (pages announce it).</param>
public sealed record ActivationChange(Guid ActivationId, bool CodeArrived);

/// <summary>
/// Pushes activation changes into the open pages of their owner, and only theirs, never waiting for a page. With
/// several replicas (PostgreSQL), what is published here is also handed to <see cref="PublishedHere"/>, which the
/// database relay sends to the other replicas; what they send arrives through <see cref="PublishFromElsewhere"/>.
/// </summary>
public sealed class ActivationNotifier(ILogger<ActivationNotifier> logger) : UserChannel<ActivationChange>(logger)
{
    /// <summary>Raised for each change published in this process (the relay to other replicas listens); must not block.</summary>
    public event Action<string, ActivationChange>? PublishedHere;

    public override void Publish(string userId, ActivationChange message)
    {
        PublishHere(userId, message);
        PublishedHere?.Invoke(userId, message);
    }

    /// <summary>A change another replica published: delivered to the pages open here, and not sent on again.</summary>
    public void PublishFromElsewhere(string userId, ActivationChange message) => PublishHere(userId, message);
}
