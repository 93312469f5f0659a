namespace OtpWall.Core;

/// <summary>
/// Why a service refused what a person asked, in a sentence for that person (the page shows it as it is).
/// </summary>
/// <remarks>
/// One convention for every service a page or a script calls:
/// <list type="bullet">
/// <item>a request that can be refused and gives nothing back returns <c>Refusal?</c>: null when it was done;</item>
/// <item>one that gives something back returns <see cref="Outcome{T}"/>: its value, or its refusal;</item>
/// <item>one that says more (a purchase's outcome, a key's check) returns a result record of its own whose
/// <c>Refusal</c> is null when it was done.</item>
/// </list>
/// Exceptions are kept for what no request from our pages should meet: an administrator's action asked by someone who
/// is not one (<see cref="UnauthorizedAccessException"/>), an unreachable database, a bug. A <c>string?</c> never means
/// "refused" or "done".
/// </remarks>
public sealed record Refusal(string Message)
{
    /// <summary>Each reason on its own (a form can have several problems at once: a password too short and too common).</summary>
    public IReadOnlyList<string> Reasons { get; private init; } = [Message];

    public override string ToString() => Message;

    /// <summary>Two refusals are the same when they say the same.</summary>
    public bool Equals(Refusal? other) => other is not null && string.Equals(Message, other.Message, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Message);

    /// <summary>A refusal for each of <paramref name="reasons"/>; null when there are none.</summary>
    public static Refusal? FromErrors(IEnumerable<string> reasons) =>
        reasons.ToList() is { Count: > 0 } all ? new(string.Join(" ", all)) { Reasons = all } : null;
}

/// <summary>What a request that can be refused gives back: its <see cref="Value"/>, or its <see cref="Refusal"/>.</summary>
public readonly record struct Outcome<T>
    where T : notnull
{
    internal Outcome(T? value, Refusal? refusal) => (Value, Refusal) = (value, refusal);

    public T? Value { get; }

    public Refusal? Refusal { get; }

    public void Deconstruct(out T? value, out Refusal? refusal) => (value, refusal) = (Value, Refusal);
}

/// <summary>Makes an <see cref="Outcome{T}"/>.</summary>
public static class Outcome
{
    public static Outcome<T> Done<T>(T value) where T : notnull => new(value, null);

    public static Outcome<T> Refused<T>(string message) where T : notnull => new(default, new Refusal(message));

    public static Outcome<T> Refused<T>(Refusal refusal) where T : notnull => new(default, refusal);
}
