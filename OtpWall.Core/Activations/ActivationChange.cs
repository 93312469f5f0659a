using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations;

/// <summary>Something its owner's pages show changed on one of their activations (published by the commit point's <see cref="Changes.LivePagesEffect"/>).</summary>
/// <param name="ActivationId">The dashboard's id of the activation.</param>
/// <param name="CodeArrived">A new SMS with a code came in (pages announce it).</param>
public sealed record ActivationChange(string UserId, Guid ActivationId, bool CodeArrived) : IUserChange;
