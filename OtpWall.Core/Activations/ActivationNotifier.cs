using Microsoft.Extensions.Logging;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations;

/// <summary>Something happened to one of a user's activations.</summary>
/// <param name="ActivationId">The dashboard's id of the activation.</param>
/// <param name="CodeArrived">A new SMS with a code came in (pages announce it).</param>
public sealed record ActivationChange(Guid ActivationId, bool CodeArrived);

/// <summary>
/// Pushes activation changes into the open pages of their owner, and only theirs, never waiting for a page. Only the
/// commit point's <see cref="Changes.LivePagesEffect"/> publishes, for changes made here and on other replicas alike.
/// </summary>
public sealed class ActivationNotifier(ILogger<ActivationNotifier> logger) : UserChannel<ActivationChange>(logger);
