using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OtpWall.Core.Data.PostgreSql.Migrations
{
    /// <summary>
    /// Times become <c>timestamptz</c> (they were EF Core's binary DateTimeOffset in <c>bigint</c>, which psql and
    /// reporting tools cannot read), every row kept: each value is converted in place by the database. The change feed
    /// replicas catch up from (<c>PostgreSqlChangeRelay</c>, read with plain SQL) arrives. The unused
    /// <c>Activations.PollFailures</c> column goes.
    /// </summary>
    public partial class TimestamptzChangeFeedAndNoPollFailures : Migration
    {
        // Every time column of the model (Identity's LockoutEnd included).
        private static readonly (string Table, string Column)[] Times =
        [
            ("AccountMovements", "SettledAt"),
            ("AccountMovements", "StartedAt"),
            ("ActivationMessages", "ReceivedAt"),
            ("Activations", "ClosedAt"),
            ("Activations", "CreatedAt"),
            ("Activations", "ExpiresAt"),
            ("Activations", "FirstSmsAt"),
            ("Activations", "NextPollAt"),
            ("Activations", "UpdatedAt"),
            ("ApiKeys", "SavedAt"),
            ("AspNetUsers", "CreatedAt"),
            ("AspNetUsers", "LastSignInAt"),
            ("AspNetUsers", "LockoutEnd"),
            ("AuditEntries", "At"),
            ("FavouritePairs", "CreatedAt"),
            ("Invites", "CreatedAt"),
            ("Invites", "ExpiresAt"),
            ("Invites", "RevokedAt"),
            ("Invites", "UsedAt"),
            ("PairShortages", "LastNoNumbersAt"),
            ("RetiredApiKeys", "RetiredAt"),
            ("SandboxSnapshots", "SavedAt"),
            ("TeamApiKeys", "RetiredAt"),
            ("TeamApiKeys", "SavedAt"),
            ("UserSessions", "CreatedAt"),
            ("UserSessions", "EndedAt"),
        ];

        // EF Core's binary form: the clock's ticks / 1000 shifted left 11 bits, the offset in minutes in those 11 bits
        // (signed). The instant is the ticks less the offset; 621355968000000000 ticks is 1970-01-01.
        private const string FromBinary = """
            CREATE FUNCTION otpwall_binary_to_timestamptz(value bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE STRICT AS $$
              SELECT to_timestamp((((value >> 11) * 1000 - (((value & 2047) # 1024) - 1024) * 600000000) - 621355968000000000) / 10000000.0)
            $$;
            """;

        private const string ToBinary = """
            CREATE FUNCTION otpwall_timestamptz_to_binary(value timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$
              SELECT ((round(EXTRACT(EPOCH FROM value) * 10000000)::bigint + 621355968000000000) / 1000) << 11
            $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(name: "PollFailures", table: "Activations");
            migrationBuilder.Sql(FromBinary);
            foreach (var (table, column) in Times)
                migrationBuilder.Sql($"""ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE timestamp with time zone USING otpwall_binary_to_timestamptz("{column}");""");
            migrationBuilder.Sql("DROP FUNCTION otpwall_binary_to_timestamptz(bigint);");
            // What replicas announced to each other, kept a few minutes for one that was not listening.
            migrationBuilder.Sql("""
                CREATE TABLE "ChangeFeed" ("Id" bigserial PRIMARY KEY, "At" timestamptz NOT NULL DEFAULT now(), "Payload" text NOT NULL);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "ChangeFeed";""");
            migrationBuilder.Sql(ToBinary);
            foreach (var (table, column) in Times)
                migrationBuilder.Sql($"""ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE bigint USING otpwall_timestamptz_to_binary("{column}");""");
            migrationBuilder.Sql("DROP FUNCTION otpwall_timestamptz_to_binary(timestamptz);");
            migrationBuilder.AddColumn<int>(name: "PollFailures", table: "Activations", type: "integer", nullable: false, defaultValue: 0);
        }
    }
}
