namespace OtpWall.Sandbox;

/// <summary>The states the simulated OTPWALL moves an activation through.</summary>
public enum SandboxStatus
{
    Waiting,
    Received,
    Complete,
    Cancelled,
    Expired,
}

/// <summary>One SMS as it arrived.</summary>
public sealed record SandboxSms(DateTimeOffset ReceivedAt, string Text);

/// <summary>A rented number. Mutated only by <see cref="SandboxSimulator"/> under its lock; callers get <see cref="SandboxActivationView"/>s.</summary>
internal sealed class SandboxActivation(
    string id, string key, SandboxService service, SandboxCountry country, string number, decimal price,
    DateTimeOffset createdAt, DateTimeOffset expiresAt, DateTimeOffset? smsDueAt)
{
    public string Id { get; } = id;
    public string Key { get; } = key;
    public SandboxService Service { get; } = service;
    public SandboxCountry Country { get; } = country;
    public string Number { get; } = number;
    public decimal Price { get; } = price;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
    public DateTimeOffset? SmsDueAt { get; set; } = smsDueAt;
    public SandboxStatus Status { get; set; } = SandboxStatus.Waiting;
    public List<SandboxSms> Messages { get; } = [];

    public SandboxActivationView ToView() =>
        new(Id, Number, Service.Code, Country.Code, Price, Status, Messages.LastOrDefault()?.Text, [.. Messages]);
}

/// <summary>An activation as it stood at one moment.</summary>
public sealed record SandboxActivationView(
    string Id, string Number, string Service, string Country, decimal Price, SandboxStatus Status, string? LatestSms,
    IReadOnlyList<SandboxSms> Messages);
