using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Data;

/// <summary>Which database engine holds the dashboard's data.</summary>
public enum DatabaseProvider
{
    /// <summary>One file in the data folder: the default, for one server.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: for teams that run one already, and for several replicas behind one address.</summary>
    PostgreSql,
}

/// <summary>
/// Bound from <c>OtpWall:Database</c>. <c>Provider</c> is <c>Sqlite</c> (the default: <c>otpwall.db</c> in the data
/// folder) or <c>PostgreSQL</c>, which needs <c>ConnectionString</c> (Npgsql's form: <c>Host=…;Database=…;Username=…;Password=…</c>).
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string SectionName = "OtpWall:Database";

    /// <summary><c>Sqlite</c> or <c>PostgreSQL</c> (any case).</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>PostgreSQL only: where the database is. SQLite always uses the data folder.</summary>
    public string? ConnectionString { get; set; }

    public DatabaseProvider Kind => Parse(Provider) ?? DatabaseProvider.Sqlite;

    public bool IsPostgreSql => Kind == DatabaseProvider.PostgreSql;

    private static DatabaseProvider? Parse(string? provider) => provider?.Trim().ToUpperInvariant() switch
    {
        "SQLITE" or "" or null => DatabaseProvider.Sqlite,
        "POSTGRESQL" or "POSTGRES" or "NPGSQL" => DatabaseProvider.PostgreSql,
        _ => null,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Parse(Provider) is not { } kind)
        {
            yield return new ValidationResult($"OtpWall:Database:Provider must be Sqlite or PostgreSQL, not \"{Provider}\".");
            yield break;
        }
        if (kind == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult("OtpWall:Database:Provider is PostgreSQL: set OtpWall:Database:ConnectionString (Host=…;Database=…;Username=…;Password=…).");
        if (kind == DatabaseProvider.Sqlite && !string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult("OtpWall:Database:ConnectionString is for PostgreSQL only: SQLite keeps otpwall.db in OtpWall:DataDirectory. Remove it, or set OtpWall:Database:Provider to PostgreSQL.");
    }
}
