namespace OtpWall.Core.Audit;

/// <summary>What an audit entry records: the values of <see cref="AuditEntry.Action"/> (and of the page's <c>data-action</c>).</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string LockedOut = "locked-out";
    public const string SignOut = "sign-out";
    public const string SignOutEverywhere = "sign-out-everywhere";
    public const string ProviderLinked = "sso-linked";
    public const string ProviderUnlinked = "sso-unlinked";
    public const string ProviderEnded = "sso-ended";
    public const string Registered = "registered";
    public const string PasswordChanged = "password-changed";
    public const string PasswordLinkCreated = "password-link-created";
    public const string PasswordReset = "password-reset";
    public const string TwoFactorChanged = "2fa-changed";
    public const string KeySaved = "key-saved";
    public const string KeyReplaced = "key-replaced";
    public const string KeyRemoved = "key-removed";
    public const string TeamKeySaved = "team-key-saved";
    public const string TeamKeyReplaced = "team-key-replaced";
    public const string TeamKeyRemoved = "team-key-removed";
    public const string InviteCreated = "invite-created";
    public const string InviteUsed = "invite-used";
    public const string InviteRevoked = "invite-revoked";
    public const string MemberDisabled = "member-disabled";
    public const string MemberEnabled = "member-enabled";
    public const string RoleChanged = "role-changed";
    public const string RegistrationPolicyChanged = "registration-policy-changed";
    public const string KeyModeChanged = "key-mode-changed";
    public const string BudgetChanged = "budget-changed";
    public const string LowBalanceThresholdChanged = "low-balance-threshold-changed";
    public const string PriceCeilingChanged = "price-ceiling-changed";
    public const string ApiTokenCreated = "api-token-created";
    public const string ApiTokenRevoked = "api-token-revoked";
    public const string WebhookSaved = "webhook-saved";
    public const string WebhookRemoved = "webhook-removed";
    public const string WebhookPaused = "webhook-paused";
    public const string TelegramBotSaved = "telegram-bot-saved";
    public const string TelegramLinked = "telegram-linked";
    public const string TelegramUnlinked = "telegram-unlinked";
    public const string Purchase = "purchase";
    public const string SkippedOverCeiling = "skipped-over-ceiling";
    public const string Complete = "complete";
    public const string Cancel = "cancel";
    public const string AutoCancel = "auto-cancel";
    public const string OutcomeUnknown = "outcome-unknown";
    public const string Attach = "attach";
    public const string AttachRefused = "attach-refused";
    public const string Dismiss = "dismiss";
    public const string SandboxSms = "sandbox-sms";
    public const string SandboxAccount = "sandbox-account";
    public const string SandboxAdministration = "sandbox-administration";

    /// <summary>Every action with the words the filter shows, grouped as the filter groups them.</summary>
    public static IReadOnlyList<(string Group, string Action, string Label)> All { get; } =
    [
        ("Sign-in", SignIn, "Signed in"),
        ("Sign-in", SignInFailed, "Sign-in failed"),
        ("Sign-in", LockedOut, "Locked out"),
        ("Sign-in", SignOut, "Signed out"),
        ("Sign-in", SignOutEverywhere, "Signed out everywhere"),
        ("Sign-in", ProviderLinked, "Single sign-on linked"),
        ("Sign-in", ProviderUnlinked, "Single sign-on unlinked"),
        ("Sign-in", ProviderEnded, "Ended by the identity provider"),
        ("Account", Registered, "Registered"),
        ("Account", PasswordChanged, "Password changed"),
        ("Account", PasswordLinkCreated, "Password link created"),
        ("Account", PasswordReset, "Password reset by link"),
        ("Account", TwoFactorChanged, "Two-factor changed"),
        ("Keys", KeySaved, "Key saved"),
        ("Keys", KeyReplaced, "Key replaced"),
        ("Keys", KeyRemoved, "Key removed"),
        ("Keys", TeamKeySaved, "Team key saved"),
        ("Keys", TeamKeyReplaced, "Team key replaced"),
        ("Keys", TeamKeyRemoved, "Team key removed"),
        ("Keys", ApiTokenCreated, "API token created"),
        ("Keys", ApiTokenRevoked, "API token revoked"),
        ("Account", WebhookSaved, "Webhook saved"),
        ("Account", WebhookRemoved, "Webhook removed"),
        ("Account", WebhookPaused, "Webhook paused"),
        ("Account", TelegramLinked, "Telegram linked"),
        ("Account", TelegramUnlinked, "Telegram unlinked"),
        ("Team", TelegramBotSaved, "Telegram bot changed"),
        ("Team", InviteCreated, "Invite created"),
        ("Team", InviteUsed, "Invite used"),
        ("Team", InviteRevoked, "Invite revoked"),
        ("Team", MemberDisabled, "Member disabled"),
        ("Team", MemberEnabled, "Member enabled"),
        ("Team", RoleChanged, "Role changed"),
        ("Team", RegistrationPolicyChanged, "Registration policy changed"),
        ("Team", KeyModeChanged, "Key mode changed"),
        ("Team", BudgetChanged, "Budget changed"),
        ("Team", LowBalanceThresholdChanged, "Low-balance warning changed"),
        ("Team", PriceCeilingChanged, "Price ceiling changed"),
        ("Activations", Purchase, "Purchase"),
        ("Activations", SkippedOverCeiling, "Skipped over the price ceiling"),
        ("Activations", Complete, "Completed"),
        ("Activations", Cancel, "Cancelled"),
        ("Activations", AutoCancel, "Cancelled automatically"),
        ("Activations", OutcomeUnknown, "Outcome unknown"),
        ("Activations", Attach, "Attached"),
        ("Activations", AttachRefused, "Attach refused"),
        ("Activations", Dismiss, "Dismissed"),
        ("Sandbox", SandboxSms, "Sandbox SMS delivered"),
        ("Sandbox", SandboxAccount, "Sandbox account created or reset"),
        ("Sandbox", SandboxAdministration, "Sandbox administered"),
    ];

    /// <summary>What <c>/account/activity</c> shows a person about their own account.</summary>
    public static IReadOnlySet<string> Security { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        SignIn, SignInFailed, LockedOut, SignOutEverywhere, ProviderLinked, ProviderUnlinked, ProviderEnded, Registered, PasswordChanged, PasswordLinkCreated, PasswordReset,
        TwoFactorChanged, KeySaved, KeyReplaced, KeyRemoved, ApiTokenCreated, ApiTokenRevoked, WebhookSaved, WebhookRemoved, WebhookPaused, TelegramLinked, TelegramUnlinked, MemberDisabled, MemberEnabled, RoleChanged,
    };

    public static string LabelOf(string action) => All.FirstOrDefault(a => a.Action == action).Label ?? action;

    public static bool IsKnown(string? action) => action is not null && All.Any(a => a.Action == action);
}
