namespace OtpWall.Core.Activations;

/// <summary>A number OTPWALL has just rented out.</summary>
/// <param name="ActivationId">OTPWALL's id, kept as the string it sent.</param>
/// <param name="Number">The phone number exactly as given.</param>
/// <param name="Status">The normalised status.</param>
/// <param name="RawStatus">The status text as sent, shown when it is <see cref="ActivationStatus.Unknown"/>.</param>
public sealed record PurchasedNumber(string ActivationId, string Number, ActivationStatus Status, string RawStatus);

/// <summary>What OTPWALL says of an activation right now.</summary>
/// <param name="ActivationId">OTPWALL's id, kept as the string it sent.</param>
/// <param name="Status">The normalised status.</param>
/// <param name="RawStatus">The status text as sent.</param>
/// <param name="Sms">The latest SMS text, if one arrived.</param>
public sealed record ActivationSnapshot(string ActivationId, ActivationStatus Status, string RawStatus, string? Sms, string? Number = null);
