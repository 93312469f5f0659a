namespace OtpWall.Tests.Support;

/// <summary>
/// A test of what only PostgreSQL offers (several replicas on one database): it runs in the test command's second pass,
/// on the throwaway PostgreSQL cluster scripts/test.sh starts, and is skipped in the SQLite pass.
/// </summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (!TestDatabase.IsPostgreSql) Skip = "PostgreSQL only: scripts/test.sh runs it on a throwaway PostgreSQL cluster.";
    }
}
