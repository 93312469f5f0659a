using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Spending;
using ApiTokenEntity = OtpWall.Core.ApiTokens.ApiToken;
using BuyRuleEntity = OtpWall.Core.Activations.Purchasing.BuyRule;

namespace OtpWall.Core.Data;

/// <summary>
/// The dashboard's database: Identity's tables plus keys, invites, activations, audit and settings. This type is the
/// SQLite database (its migrations are in <c>Data/Migrations</c>, its compiled model in <c>Data/CompiledModel</c>);
/// <see cref="PostgreSql.PostgreSqlOtpWallDbContext"/> is the same model on PostgreSQL, with migrations of its own.
/// </summary>
public class OtpWallDbContext(DbContextOptions<OtpWallDbContext> options) : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<StoredApiKey> ApiKeys => Set<StoredApiKey>();

    public DbSet<RetiredApiKey> RetiredApiKeys => Set<RetiredApiKey>();

    public DbSet<TeamApiKey> TeamApiKeys => Set<TeamApiKey>();

    public DbSet<MemberSpending> MemberSpending => Set<MemberSpending>();

    public DbSet<Invite> Invites => Set<Invite>();

    public DbSet<InstanceSettings> InstanceSettings => Set<InstanceSettings>();

    public DbSet<Activation> Activations => Set<Activation>();

    public DbSet<ActivationMessage> ActivationMessages => Set<ActivationMessage>();

    public DbSet<FavouritePair> FavouritePairs => Set<FavouritePair>();

    public DbSet<ActivationPreferences> ActivationPreferences => Set<ActivationPreferences>();

    public DbSet<PairShortage> PairShortages => Set<PairShortage>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<Wallet.AccountMovement> AccountMovements => Set<Wallet.AccountMovement>();

    public DbSet<SandboxSnapshot> SandboxSnapshots => Set<SandboxSnapshot>();

    public DbSet<ApiTokenEntity> ApiTokens => Set<ApiTokenEntity>();

    public DbSet<BuyRuleEntity> BuyRules => Set<BuyRuleEntity>();

    public DbSet<ServiceCeiling> ServiceCeilings => Set<ServiceCeiling>();

    public DbSet<Notifications.Webhook> Webhooks => Set<Notifications.Webhook>();

    public DbSet<Notifications.OutboxMessage> OutboxMessages => Set<Notifications.OutboxMessage>();

    public DbSet<Notifications.WebhookDelivery> WebhookDeliveries => Set<Notifications.WebhookDelivery>();

    public DbSet<Notifications.Telegram.TelegramBot> TelegramBots => Set<Notifications.Telegram.TelegramBot>();

    public DbSet<Notifications.Telegram.TelegramLink> TelegramLinks => Set<Notifications.Telegram.TelegramLink>();

    public DbSet<Notifications.Telegram.TelegramLinkCode> TelegramLinkCodes => Set<Notifications.Telegram.TelegramLinkCode>();

    public DbSet<Notifications.Push.PushKeys> PushKeys => Set<Notifications.Push.PushKeys>();

    public DbSet<Notifications.RaisedAlert> RaisedAlerts => Set<Notifications.RaisedAlert>();

    public DbSet<Notifications.Push.PushDevice> PushDevices => Set<Notifications.Push.PushDevice>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; as EF Core's binary form (UTC ticks) it can.
        // PostgreSQL stores them as timestamptz instead, which psql and reporting tools read (PostgreSqlOtpWallDbContext).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<StoredApiKey>(key =>
        {
            key.HasKey(k => k.UserId);
            key.Property(k => k.LastFour).HasMaxLength(4);
            key.Property(k => k.Fingerprint).HasMaxLength(OtpWallApiKey.FingerprintLength);
            key.HasOne<ApplicationUser>().WithOne().HasForeignKey<StoredApiKey>(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<RetiredApiKey>(key =>
        {
            key.HasKey(k => new { k.UserId, k.Fingerprint });
            key.Property(k => k.LastFour).HasMaxLength(4);
            key.Property(k => k.Fingerprint).HasMaxLength(OtpWallApiKey.FingerprintLength);
            key.HasOne<ApplicationUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<TeamApiKey>(key =>
        {
            key.HasKey(k => k.Fingerprint);
            key.Property(k => k.Fingerprint).HasMaxLength(OtpWallApiKey.FingerprintLength);
            key.Property(k => k.LastFour).HasMaxLength(4);
        });

        builder.Entity<MemberSpending>(spending =>
        {
            spending.HasKey(s => s.UserId);
            spending.Property(s => s.KeyMode).HasConversion<string>().HasMaxLength(10);
            spending.HasOne<ApplicationUser>().WithOne().HasForeignKey<MemberSpending>(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Invite>(invite =>
        {
            invite.HasIndex(i => i.TokenHash).IsUnique();
            invite.Property(i => i.TokenHash).HasMaxLength(64);
        });

        builder.Entity<Activation>(activation =>
        {
            activation.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
            activation.Property(a => a.KeyFingerprint).HasMaxLength(OtpWallApiKey.FingerprintLength);
            activation.Property(a => a.Payer).HasConversion<string>().HasMaxLength(10).HasDefaultValue(Payer.Own).HasSentinel(Payer.Own);
            activation.HasIndex(a => new { a.UserId, a.CreatedAt });
            activation.HasIndex(a => new { a.UserId, a.PurchaseAttemptId }).IsUnique();
            activation.HasIndex(a => a.NextPollAt);
            // Pair insights read the last weeks of everyone's purchases.
            activation.HasIndex(a => a.CreatedAt);
            activation.HasIndex(a => new { a.Service, a.Country, a.CreatedAt });
            activation.Property(a => a.BalanceBefore).HasMaxLength(48);
            activation.Property(a => a.ApiToken).HasMaxLength(ApiTokenEntity.NameMaxLength);
            activation.HasOne<ApplicationUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
            activation.HasMany(a => a.Messages).WithOne().HasForeignKey(m => m.ActivationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<FavouritePair>(favourite =>
        {
            favourite.HasKey(f => new { f.UserId, f.Service, f.Country });
            favourite.HasOne<ApplicationUser>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ActivationPreferences>(preferences =>
        {
            preferences.HasKey(p => p.UserId);
            preferences.HasOne<ApplicationUser>().WithOne().HasForeignKey<ActivationPreferences>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
            preferences.Property(p => p.LowBalanceThreshold).HasPrecision(18, 4);
        });

        builder.Entity<PairShortage>(shortage =>
        {
            shortage.HasKey(s => new { s.Service, s.Country });
            shortage.Property(s => s.Service).HasMaxLength(100);
            shortage.Property(s => s.Country).HasMaxLength(100);
        });

        builder.Entity<AuditEntry>(entry =>
        {
            entry.Property(e => e.Action).HasMaxLength(40);
            entry.Property(e => e.ActorEmail).HasMaxLength(256);
            entry.Property(e => e.SubjectEmail).HasMaxLength(256);
            entry.Property(e => e.ClientAddress).HasMaxLength(64);
            entry.Property(e => e.Text).HasMaxLength(500);
            // No foreign keys: an entry outlives the account it names (its e-mail is kept in the entry).
            entry.HasIndex(e => e.At);
            entry.HasIndex(e => new { e.ActorId, e.Id });
            entry.HasIndex(e => new { e.SubjectId, e.Id });
            entry.HasIndex(e => new { e.Action, e.Id });
        });

        builder.Entity<UserSession>(session =>
        {
            session.Property(s => s.Id).HasMaxLength(32);
            session.Property(s => s.EndReason).HasMaxLength(40);
            session.Property(s => s.ClientAddress).HasMaxLength(64);
            session.HasIndex(s => new { s.UserId, s.EndedAt });
            session.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Wallet.AccountMovement>(movement =>
        {
            movement.Property(m => m.Account).HasMaxLength(450);
            movement.Property(m => m.Refunded).HasPrecision(18, 4);
            movement.HasIndex(m => new { m.Account, m.Id });
        });

        builder.Entity<ApiTokenEntity>(token =>
        {
            token.Property(t => t.Name).HasMaxLength(ApiTokenEntity.NameMaxLength);
            token.Property(t => t.Hash).HasMaxLength(64);
            token.Property(t => t.Scope).HasConversion<string>().HasMaxLength(10);
            token.Property(t => t.LastUsedFrom).HasMaxLength(64);
            token.HasIndex(t => t.Hash).IsUnique();
            token.HasIndex(t => t.UserId);
            token.HasOne<ApplicationUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<BuyRuleEntity>(rule =>
        {
            rule.Property(r => r.Name).HasMaxLength(BuyRuleEntity.NameMaxLength);
            rule.Property(r => r.Service).HasMaxLength(100);
            rule.Property(r => r.ServiceName).HasMaxLength(200);
            rule.Property(r => r.CountriesJson).HasMaxLength(4000);
            rule.Property(r => r.Ceiling).HasPrecision(18, 4);
            rule.HasIndex(r => r.UserId);
            rule.HasOne<ApplicationUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ServiceCeiling>(ceiling =>
        {
            ceiling.HasKey(c => c.Service);
            ceiling.Property(c => c.Service).HasMaxLength(100);
            ceiling.Property(c => c.ServiceName).HasMaxLength(200);
            ceiling.Property(c => c.Ceiling).HasPrecision(18, 4);
        });

        builder.Entity<Notifications.Webhook>(hook =>
        {
            hook.Property(w => w.Id).ValueGeneratedNever();
            hook.Property(w => w.Url).HasMaxLength(Notifications.Webhook.UrlMaxLength);
            hook.Property(w => w.ProtectedSecret).HasMaxLength(2000);
            hook.Property(w => w.Events).HasMaxLength(500);
            hook.HasIndex(w => w.UserId).IsUnique();
            hook.HasOne<ApplicationUser>().WithMany().HasForeignKey(w => w.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Notifications.OutboxMessage>(message =>
        {
            message.Property(m => m.Event).HasMaxLength(50);
            message.Property(m => m.Channel).HasMaxLength(20);
            message.Property(m => m.Payload).HasMaxLength(8000);
            message.HasIndex(m => new { m.DeliveredAt, m.GaveUpAt, m.NextAttemptAt });
            message.HasIndex(m => m.WebhookId);
            message.HasOne<ApplicationUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Notifications.WebhookDelivery>(delivery =>
        {
            delivery.Property(d => d.Event).HasMaxLength(50);
            delivery.Property(d => d.Error).HasMaxLength(200);
            delivery.HasIndex(d => new { d.WebhookId, d.Id });
        });

        builder.Entity<Notifications.Telegram.TelegramBot>(bot =>
        {
            bot.Property(b => b.Id).ValueGeneratedNever();
            bot.Property(b => b.ProtectedToken).HasMaxLength(2000);
            bot.Property(b => b.Last4).HasMaxLength(4);
            bot.Property(b => b.Username).HasMaxLength(64);
        });

        builder.Entity<Notifications.Telegram.TelegramLink>(link =>
        {
            link.HasKey(l => l.UserId);
            link.Property(l => l.DisplayName).HasMaxLength(100);
            link.Property(l => l.Events).HasMaxLength(500);
            link.HasIndex(l => l.ChatId).IsUnique();
            link.HasOne<ApplicationUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Notifications.Telegram.TelegramLinkCode>(code =>
        {
            code.HasKey(c => c.CodeHash);
            code.Property(c => c.CodeHash).HasMaxLength(64);
            code.HasIndex(c => c.UserId);
            code.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Notifications.RaisedAlert>(alert =>
        {
            alert.HasKey(a => a.Key);
            alert.Property(a => a.Key).HasMaxLength(300);
        });

        builder.Entity<Notifications.Push.PushKeys>(keys =>
        {
            keys.Property(k => k.Id).ValueGeneratedNever();
            keys.Property(k => k.PublicKey).HasMaxLength(200);
            keys.Property(k => k.ProtectedPrivateKey).HasMaxLength(2000);
        });

        builder.Entity<Notifications.Push.PushDevice>(device =>
        {
            device.Property(d => d.Id).ValueGeneratedNever();
            device.Property(d => d.Endpoint).HasMaxLength(Notifications.Push.PushDevice.EndpointMaxLength);
            device.Property(d => d.P256dh).HasMaxLength(200);
            device.Property(d => d.Auth).HasMaxLength(100);
            device.Property(d => d.Name).HasMaxLength(100);
            device.Property(d => d.Events).HasMaxLength(500);
            device.HasIndex(d => d.Endpoint).IsUnique();
            device.HasIndex(d => d.UserId);
            device.HasOne<ApplicationUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SandboxSnapshot>().Property(s => s.Id).ValueGeneratedNever();

        builder.Entity<InstanceSettings>().HasData(new InstanceSettings { Id = Accounts.InstanceSettings.SingletonId });
    }
}
