"""Forms for log-in, registration and profiles."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from portal.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from portal.core.forms import FlaskForm
from portal.core.reference import SIZE_CLASSES, industry_choices, uscc_problem

# Every form that sets a password (registration, change) uses these rules (ASVS 2.1.1).
PASSWORD_RULES = [
    DataRequired(),
    Length(min=MIN_LENGTH, max=MAX_LENGTH, message=_l("Use 12 to 128 characters.")),
]
PASSWORD_HINT = _l("At least 12 characters; a few words you remember are enough.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class _AccountFields(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(
        _l("Mobile phone"),
        validators=[
            DataRequired(),
            Regexp(r"^\+?[0-9 -]{7,20}$", message=_l("Enter a phone number.")),
        ],
    )
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES, description=PASSWORD_HINT)
    password_again = PasswordField(
        _l("Password again"), validators=[EqualTo("password", message=_l("The passwords differ."))]
    )


class EnterpriseRegistrationForm(_AccountFields):
    enterprise_name = StringField(
        _l("Enterprise name"), validators=[DataRequired(), Length(max=200)]
    )
    uscc = StringField(
        _l("Unified social credit code"),
        description=_l("18 characters, as printed on the business licence."),
        validators=[DataRequired()],
        filters=[lambda s: (s or "").strip().upper()],
    )
    industry = SelectField(_l("Industry (GB/T 4754)"), choices=[], validators=[DataRequired()])
    size_class = SelectField(
        _l("Size class"),
        choices=[(k, v) for k, v in SIZE_CLASSES.items()],
        validators=[DataRequired()],
    )
    chambers = SelectMultipleField(_l("Chambers of commerce"), coerce=int, validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices()

    def validate_uscc(self, field):
        problem = uscc_problem(field.data)
        if problem:
            raise ValidationError(str(problem))


class LawyerRegistrationForm(_AccountFields):
    law_firm = StringField(_l("Law firm"), validators=[DataRequired(), Length(max=200)])
    certificate_no = StringField(
        _l("Practice certificate number"),
        validators=[
            DataRequired(),
            Regexp(r"^\d{17}$", message=_l("A practice certificate number has 17 digits.")),
        ],
    )
    industries = SelectMultipleField(
        _l("Industries you serve"), choices=[], validators=[DataRequired()]
    )
    specialities = SelectMultipleField(_l("Specialities"), coerce=int, validators=[DataRequired()])
    weekly_capacity = IntegerField(
        _l("Questions per week you can take"),
        default=5,
        validators=[DataRequired(), NumberRange(min=1, max=100)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industries.choices = industry_choices()


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Regexp(r"^\+?[0-9 -]{7,20}$")])
    locale = SelectField(
        _l("Language"),
        choices=[("zh_CN", "中文", {"lang": "zh-CN"}), ("en", "English", {"lang": "en"})],
    )


class LawyerProfileForm(FlaskForm):
    law_firm = StringField(_l("Law firm"), validators=[DataRequired(), Length(max=200)])
    industries = SelectMultipleField(
        _l("Industries you serve"), choices=[], validators=[DataRequired()]
    )
    specialities = SelectMultipleField(_l("Specialities"), coerce=int, validators=[DataRequired()])
    weekly_capacity = IntegerField(
        _l("Questions per week you can take"),
        validators=[DataRequired(), NumberRange(min=0, max=100)],
    )
    bio = TextAreaField(_l("About you"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industries.choices = industry_choices()


class EnterpriseProfileForm(FlaskForm):
    """What the firm's own users may change; name and USCC changes go through the federation."""

    industry = SelectField(_l("Industry (GB/T 4754)"), choices=[], validators=[DataRequired()])
    size_class = SelectField(
        _l("Size class"),
        choices=[(k, v) for k, v in SIZE_CLASSES.items()],
        validators=[DataRequired()],
    )
    chambers = SelectMultipleField(_l("Chambers of commerce"), coerce=int, validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=80)])
    contact_phone = StringField(
        _l("Contact phone"),
        validators=[
            DataRequired(),
            Regexp(r"^\+?[0-9 -]{7,20}$", message=_l("Enter a phone number.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = industry_choices()


class StaffEnterpriseForm(EnterpriseProfileForm):
    """Federation staff may also correct the firm's name and code."""

    name = StringField(_l("Enterprise name"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(
        _l("Unified social credit code"),
        validators=[DataRequired()],
        filters=[lambda s: (s or "").strip().upper()],
    )

    def validate_uscc(self, field):
        problem = uscc_problem(field.data)
        if problem:
            raise ValidationError(str(problem))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"), validators=PASSWORD_RULES, description=PASSWORD_HINT
    )
    password_again = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
    )


class ConflictForm(FlaskForm):
    enterprise_id = IntegerField(validators=[DataRequired()])
    reason = StringField(
        _l("Why (e.g. I act for the other side)"), validators=[Optional(), Length(max=255)]
    )


class VerificationForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])
