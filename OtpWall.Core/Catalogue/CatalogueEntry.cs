namespace OtpWall.Core.Catalogue;

/// <summary>A country OTPWALL rents numbers in. <paramref name="Code"/> is sent back exactly as received.</summary>
public sealed record Country(string Code, string Name);

/// <summary>A service (Telegram, WhatsApp, …) a number can be rented for.</summary>
public sealed record Service(string Code, string Name);
