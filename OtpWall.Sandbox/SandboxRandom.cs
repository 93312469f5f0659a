namespace OtpWall.Sandbox;

/// <summary>One seedable source of randomness, safe to share between request threads.</summary>
public sealed class SandboxRandom(int? seed)
{
    private readonly Lock _gate = new();
    private Random _random = Create(seed);

    public void Reset(int? seed)
    {
        lock (_gate) _random = Create(seed);
    }

    public double NextDouble()
    {
        lock (_gate) return _random.NextDouble();
    }

    public int Next(int minInclusive, int maxExclusive)
    {
        lock (_gate) return _random.Next(minInclusive, maxExclusive);
    }

    public string Digits(int count) => Pick("0123456789", count);

    public string Pick(string alphabet, int count)
    {
        lock (_gate)
        {
            return string.Create(count, (_random, alphabet), static (span, state) =>
            {
                for (var i = 0; i < span.Length; i++) span[i] = state.alphabet[state._random.Next(state.alphabet.Length)];
            });
        }
    }

    private static Random Create(int? seed) => seed is { } s ? new Random(s) : new Random();
}
